// Helpers of the AI section's tests.
import { waitFor, within } from "@testing-library/react";
import userEvent, { PointerEventsCheckLevel } from "@testing-library/user-event";

/** Choose `option` in the (multi) select named `label`: its listbox is found by the input's
 *  aria-controls (Mantine's dropdown counts as hidden in jsdom, which lays nothing out). */
export async function pick(label: string, option: string | RegExp) {
  const user = userEvent.setup({ pointerEventsCheck: PointerEventsCheckLevel.Never });
  const input = within(document.body).getByRole("textbox", { name: label });
  await user.click(input);
  const listbox = await waitFor(() => {
    const element = document.getElementById(input.getAttribute("aria-controls") ?? "");
    if (!element) throw new Error(`no options for ${label}`);
    return element;
  });
  await user.click(await within(listbox).findByRole("option", { name: option, hidden: true }));
}
