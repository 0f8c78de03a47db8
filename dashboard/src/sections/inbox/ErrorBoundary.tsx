// Keeps a failure in one inbox pane (a malformed answer that breaks rendering) inside that
// pane: the rest of the inbox keeps working, and "Try again" renders it afresh after
// onReset (which refetches its data). A new resetKey (another conversation) starts over.
import { Alert, Button, Stack, Text } from "@mantine/core";
import { IconAlertTriangle } from "@tabler/icons-react";
import { Component, type ErrorInfo, type ReactNode } from "react";
import { useTranslation } from "react-i18next";

interface PaneBoundaryProps {
  children: ReactNode;
  onReset?: () => void;
  resetKey?: unknown;
}

interface PaneBoundaryState {
  error: Error | null;
  resetKey: unknown;
}

export class PaneBoundary extends Component<PaneBoundaryProps, PaneBoundaryState> {
  state: PaneBoundaryState = { error: null, resetKey: this.props.resetKey };

  static getDerivedStateFromError(error: unknown): Partial<PaneBoundaryState> {
    return { error: error instanceof Error ? error : new Error(String(error)) };
  }

  static getDerivedStateFromProps(
    props: PaneBoundaryProps,
    state: PaneBoundaryState,
  ): Partial<PaneBoundaryState> | null {
    if (props.resetKey !== state.resetKey) return { error: null, resetKey: props.resetKey };
    return null;
  }

  componentDidCatch(error: Error, info: ErrorInfo): void {
    console.error("inbox pane failed", error, info.componentStack);
  }

  private retry = () => {
    this.props.onReset?.();
    this.setState({ error: null });
  };

  render() {
    if (this.state.error) return <PaneError error={this.state.error} onRetry={this.retry} />;
    return this.props.children;
  }
}

function PaneError({ error, onRetry }: { error: Error; onRetry: () => void }) {
  const { t } = useTranslation();
  return (
    <Stack p="md">
      <Alert color="red" icon={<IconAlertTriangle size={18} />} title={t("inbox.crashed.title")}>
        <Text size="sm">{t("inbox.crashed.body")}</Text>
        <Text size="xs" c="dimmed" mt={4}>
          {error.message}
        </Text>
      </Alert>
      <Button onClick={onRetry} variant="light" style={{ alignSelf: "flex-start" }}>
        {t("inbox.crashed.retry")}
      </Button>
    </Stack>
  );
}
