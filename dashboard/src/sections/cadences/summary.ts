// A step in one line of words, for the cadence's page ("Wait 2 days", "If they replied, go to
// step 4; otherwise to the end").
import type { TFunction } from "i18next";
import { END, type StepDraft } from "./steps";
import { weekdayList } from "./weekdays";

const SHORT = 80;

export function describeStep(step: StepDraft, steps: StepDraft[], t: TFunction, language: string): string {
  switch (step.type) {
    case "send": {
      if (step.template) return t("cadences.detail.summary.template", { name: step.template.name });
      const text = step.body.length > SHORT ? `${step.body.slice(0, SHORT)}…` : step.body;
      return t("cadences.detail.summary.send", { text });
    }
    case "wait":
      return t("cadences.detail.summary.wait", {
        amount: Number(step.amount).toLocaleString(language),
        unit: t(`cadences.builder.units.${step.unit}`),
      });
    case "wait_until":
      return t("cadences.detail.summary.wait_until", { days: weekdayList(step.days, language), time: step.time });
    case "branch": {
      const to = (target: string) => {
        const index = steps.findIndex((other) => other.key === target);
        return target === END || index < 0 ? t("cadences.detail.toEnd") : t("cadences.detail.toStep", { number: index + 1 });
      };
      return t("cadences.detail.summary.branch", {
        condition: t(`cadences.detail.branchConditions.${step.kind}`),
        then: to(step.then),
        otherwise: to(step.otherwise),
      });
    }
  }
}
