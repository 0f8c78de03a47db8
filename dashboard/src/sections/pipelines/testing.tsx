// The whole app at a path, signed in, with queries that fail at once instead of retrying;
// and rectangles for the board, which jsdom does not lay out: the keyboard sensor of
// @dnd-kit moves a card to the closest column or card by their rectangles.
import { render } from "@testing-library/react";
import { QueryClient } from "@tanstack/react-query";
import { vi } from "vitest";
import { App } from "../../App";

export function renderApp(path: string) {
  const queryClient = new QueryClient({
    defaultOptions: { queries: { retry: false }, mutations: { retry: false } },
  });
  return { ...render(<App initialPath={path} queryClient={queryClient} />), queryClient };
}

/** The first sight of a whole-app page: slow on a machine busy with the services' tests. */
export const SLOW = { timeout: 15_000 };

const COLUMN_STEP = 300;
const CARD_STEP = 80;

function rect(left: number, top: number, width: number, height: number): DOMRect {
  return {
    x: left,
    y: top,
    left,
    top,
    width,
    height,
    right: left + width,
    bottom: top + height,
    toJSON: () => ({}),
  } as DOMRect;
}

/** Columns side by side, cards stacked in them, as the board's data attributes say. */
export function layOutBoard(): () => void {
  const original = Element.prototype.getBoundingClientRect;
  const spy = vi.spyOn(Element.prototype, "getBoundingClientRect").mockImplementation(function (this: Element) {
    const element = this as HTMLElement;
    const card = element.dataset?.boardCard;
    if (card !== undefined) {
      const column = Number(element.closest<HTMLElement>("[data-board-column]")?.dataset.boardColumn ?? 0);
      return rect(column * COLUMN_STEP + 10, 100 + Number(card) * CARD_STEP, 260, 70);
    }
    const column = element.dataset?.boardColumn;
    if (column !== undefined) return rect(Number(column) * COLUMN_STEP, 90, 280, 600);
    return original.call(this);
  });
  return () => spy.mockRestore();
}
