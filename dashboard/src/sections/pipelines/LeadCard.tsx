// One card of the board: title, contact, value, owner and a rotting badge. The whole card
// is the drag handle (pointer, touch and keyboard: space picks it up); a click or Enter
// opens the lead's drawer.
import { Badge, Group, Paper, Stack, Text, Tooltip } from "@mantine/core";
import { useSortable } from "@dnd-kit/sortable";
import { CSS } from "@dnd-kit/utilities";
import { IconFlame, IconUser } from "@tabler/icons-react";
import type { KeyboardEvent } from "react";
import { useTranslation } from "react-i18next";
import { type Lead, type Stage, amount } from "./api";
import { formatMoney, isRotting } from "./queries";
import { READABLE } from "./style";

interface LeadCardProps {
  lead: Lead;
  stage: Stage;
  index: number;
  ownerName: (userId: string | null) => string | null;
  onOpen: (lead: Lead) => void;
}

export function LeadCard({ lead, stage, index, ownerName, onOpen }: LeadCardProps) {
  const { t, i18n } = useTranslation();
  const { attributes, listeners, setNodeRef, transform, transition, isDragging } = useSortable({
    id: lead.id,
    data: { stageId: stage.id },
  });
  const rotting = isRotting(lead);
  const owner = ownerName(lead.owner_user_id);
  const contact = lead.contact.name || lead.contact.phone || null;
  const onKeyDown = (event: KeyboardEvent<HTMLDivElement>) => {
    listeners?.onKeyDown?.(event);
    if (!event.defaultPrevented && event.key === "Enter") {
      event.preventDefault();
      onOpen(lead);
    }
  };

  return (
    <Paper
      ref={setNodeRef}
      withBorder
      p="xs"
      radius="sm"
      data-board-card={index}
      data-lead-id={lead.id}
      {...attributes}
      {...listeners}
      onKeyDown={onKeyDown}
      onClick={() => onOpen(lead)}
      style={{
        transform: CSS.Translate.toString(transform),
        transition,
        opacity: isDragging ? 0.6 : 1,
        cursor: "grab",
        touchAction: "manipulation",
        borderLeft: rotting ? "3px solid var(--mantine-color-orange-6)" : undefined,
      }}
    >
      <Stack gap={4}>
        <Group justify="space-between" gap={4} wrap="nowrap" align="flex-start">
          <Text fw={600} size="sm" style={{ overflowWrap: "anywhere" }}>
            {lead.title}
          </Text>
          {rotting && (
            <Tooltip label={t("pipelines.card.rottingHint", { days: stage.rotting_days ?? 0 })}>
              <Badge color="orange" variant="light" size="xs" styles={READABLE} leftSection={<IconFlame size={10} />}>
                {t("pipelines.card.rotting")}
              </Badge>
            </Tooltip>
          )}
        </Group>
        <Text size="xs" c="dimmed" truncate>
          {contact ?? t("pipelines.card.noContact")}
        </Text>
        <Group justify="space-between" gap={4} wrap="nowrap">
          <Text size="sm" fw={500}>
            {formatMoney(amount(lead.value), lead.currency, i18n.language)}
          </Text>
          <Group gap={2} wrap="nowrap">
            <IconUser size={12} aria-hidden />
            <Text size="xs" c="dimmed" truncate maw={110}>
              {owner ?? t("pipelines.card.unassigned")}
            </Text>
          </Group>
        </Group>
      </Stack>
    </Paper>
  );
}
