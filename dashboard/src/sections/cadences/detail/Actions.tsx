// A cadence's moves as its status allows them: activate, pause, resume, archive (after a
// confirmation: it stops everyone still in it, for good), edit, and enroll people.
import { Button, Group, Modal, Text } from "@mantine/core";
import { notifications } from "@mantine/notifications";
import { useMutation, useQueryClient } from "@tanstack/react-query";
import { useState } from "react";
import { useTranslation } from "react-i18next";
import { Link } from "react-router";
import { type Cadence, type CadenceAction, moveCadence } from "../../../api/cadencesApi";
import { type ApiError, problemMessage } from "../../../api/client";
import { atLeast, useAccess } from "../../team/roles";
import { actionsOf, cadenceKeys } from "../queries";
import { EnrollDialog } from "./EnrollDialog";

export function Actions({ cadence }: { cadence: Cadence }) {
  const { t } = useTranslation();
  const { role } = useAccess();
  const queryClient = useQueryClient();
  const [archiving, setArchiving] = useState(false);
  const [enrolling, setEnrolling] = useState(false);
  const allowed = actionsOf(cadence);
  const act = useMutation({
    mutationFn: (action: CadenceAction) => moveCadence(cadence.id, action),
    onSuccess: (updated) => {
      setArchiving(false);
      queryClient.setQueryData(cadenceKeys.detail(cadence.id), updated);
      void queryClient.invalidateQueries({ queryKey: ["cadences", "list"] });
      void queryClient.invalidateQueries({ queryKey: ["cadences", "enrollments", cadence.id] });
    },
    onError: (error) =>
      notifications.show({
        color: "red",
        closeButtonProps: { "aria-label": t("cadences.detail.close") },
        title: t("cadences.detail.actionFailed"),
        message: problemMessage((error as ApiError).problem, t("cadences.detail.actionFailed")),
      }),
  });
  if (!atLeast(role, "manager")) return null;
  const busy = (action: CadenceAction) => act.isPending && act.variables === action;
  return (
    <Group gap="xs">
      {allowed.enroll && (
        <Button variant="filled" onClick={() => setEnrolling(true)}>
          {t("cadences.detail.enroll")}
        </Button>
      )}
      {allowed.activate && (
        <Button onClick={() => act.mutate("activate")} loading={busy("activate")}>
          {t("cadences.detail.activate")}
        </Button>
      )}
      {allowed.pause && (
        <Button variant="light" color="yellow" onClick={() => act.mutate("pause")} loading={busy("pause")}>
          {t("cadences.detail.pause")}
        </Button>
      )}
      {allowed.resume && (
        <Button variant="light" onClick={() => act.mutate("resume")} loading={busy("resume")}>
          {t("cadences.detail.resume")}
        </Button>
      )}
      {allowed.edit && (
        <Button component={Link} to={`/cadences/${cadence.id}/edit`} variant="default">
          {t("cadences.detail.edit")}
        </Button>
      )}
      {allowed.archive && (
        <Button variant="subtle" color="red.9" onClick={() => setArchiving(true)}>
          {t("cadences.detail.archive")}
        </Button>
      )}
      <Modal opened={archiving} onClose={() => setArchiving(false)} title={t("cadences.detail.archiveTitle")}
        closeButtonProps={{ "aria-label": t("cadences.detail.close") }}
        centered
      >
        <Text size="sm">{t("cadences.detail.archiveBody")}</Text>
        <Group justify="flex-end" mt="lg">
          <Button variant="default" onClick={() => setArchiving(false)} disabled={busy("archive")}>
            {t("cadences.detail.keep")}
          </Button>
          <Button color="red" onClick={() => act.mutate("archive")} loading={busy("archive")}>
            {t("cadences.detail.confirmArchive")}
          </Button>
        </Group>
      </Modal>
      <EnrollDialog cadence={cadence} opened={enrolling} onClose={() => setEnrolling(false)} />
    </Group>
  );
}
