// A row of weekday checkboxes (ISO 1 Monday … 7 Sunday) named in the reader's language.
import { Checkbox, Group } from "@mantine/core";
import { useTranslation } from "react-i18next";
import { WEEKDAYS } from "../steps";
import { weekdayName } from "../weekdays";

interface WeekdaysProps {
  label: string;
  value: number[];
  onChange: (days: number[]) => void;
  error?: string;
}

export function Weekdays({ label, value, onChange, error }: WeekdaysProps) {
  const { i18n } = useTranslation();
  return (
    <Checkbox.Group
      label={label}
      value={value.map(String)}
      onChange={(days) => onChange(days.map(Number).sort())}
      error={error}
    >
      <Group gap="sm" mt={4}>
        {WEEKDAYS.map((day) => (
          <Checkbox
            key={day}
            value={String(day)}
            label={weekdayName(day, i18n.language, "short")}
            aria-label={weekdayName(day, i18n.language, "long")}
          />
        ))}
      </Group>
    </Checkbox.Group>
  );
}
