// For the cadences tests: axe on the page as rendered (jsdom lays nothing out, so contrast
// and scrolling are left to the browser tests), the serious and critical findings only.
import { screen } from "@testing-library/react";
import axe from "axe-core";

export async function seriousViolations(): Promise<string[]> {
  const result = await axe.run(document.body, {
    rules: { "color-contrast": { enabled: false }, "scrollable-region-focusable": { enabled: false } },
  });
  return result.violations
    .filter((v) => v.impact === "serious" || v.impact === "critical")
    .map((v) => `${v.id}: ${v.nodes.map((n) => n.target.join(" ")).join(", ")}`);
}

/** The status badge: "Status: " is read out before the status, though not shown. */
export const badge = (status: string) => (_: string, element: Element | null) =>
  !!element?.classList.contains("mantine-Badge-root") && element.textContent === `Status: ${status}`;

/** Whole-app renders: slow on a machine busy with the services' tests. */
export const SLOW = { timeout: 15_000 };

type User = { click: (element: Element) => Promise<void> };

/** Picks ``option`` in the Mantine select labelled ``label`` (its list is hidden in jsdom). */
export async function choose(user: User, input: HTMLElement, option: string) {
  await user.click(input);
  const listbox = input.getAttribute("aria-controls");
  const options = await screen.findAllByRole("option", { name: option, hidden: true });
  const mine = options.find((element) => !listbox || element.closest(`[id="${listbox}"]`)) ?? options[0]!;
  await user.click(mine);
}
