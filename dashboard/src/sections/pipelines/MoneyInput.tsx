import { NumberInput, type NumberInputProps } from "@mantine/core";
import { useTranslation } from "react-i18next";

/** A lead's value as the reader writes amounts: 1.234,56 in pt-BR, 1,234.56 in English. */
export function MoneyInput(props: NumberInputProps) {
  const { i18n } = useTranslation();
  const portuguese = i18n.language === "pt-BR";
  return (
    <NumberInput
      min={0}
      decimalScale={2}
      thousandSeparator={portuguese ? "." : ","}
      decimalSeparator={portuguese ? "," : "."}
      {...props}
    />
  );
}
