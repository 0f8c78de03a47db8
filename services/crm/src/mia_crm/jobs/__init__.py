"""Long-running work (imports, bulk actions, exports) with its progress."""
