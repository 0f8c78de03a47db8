"""Placeholder: replaced by the OAuth/OIDC login feature."""

from fastapi import APIRouter

router = APIRouter()
