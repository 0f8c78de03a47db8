import { screen, waitFor } from "@testing-library/react";
import userEvent, { PointerEventsCheckLevel } from "@testing-library/user-event";
import { describe, expect, it } from "vitest";
import { fakeGateway, json } from "../../test/gateway";
import { renderWithProviders } from "../../test/render";
import { conversation, message } from "./fixtures";
import { Thread } from "./Thread";

const CONVERSATION = conversation();
const BASE = `/api/v1/inbox/conversations/${CONVERSATION.id}`;

/** jsdom lays nothing out: each bubble is made 100 px tall, and scrollTop is remembered. */
function layOut(viewport: HTMLElement) {
  let top = 0;
  Object.defineProperty(viewport, "scrollHeight", {
    configurable: true,
    get: () => viewport.querySelectorAll("[data-direction]").length * 100,
  });
  Object.defineProperty(viewport, "clientHeight", { configurable: true, get: () => 150 });
  Object.defineProperty(viewport, "scrollTop", {
    configurable: true,
    get: () => top,
    set: (value: number) => {
      top = value;
    },
  });
  return { scrollTo: (value: number) => (top = value), top: () => top };
}

// Each test is a whole flow of clicks and answers: more than the default 5 s on a busy machine.
describe("thread history", { timeout: 20_000 }, () => {
  it("loads older messages above with the cursor, keeping the message the reader was at in place", async () => {
    const cursors: (string | null)[] = [];
    fakeGateway({
      [`GET ${BASE}/messages`]: (request) => {
        const cursor = new URL(request.url).searchParams.get("cursor");
        cursors.push(cursor);
        return cursor === "cursor-1"
          ? json({ items: [message("m2", "Segunda"), message("m1", "Primeira")], next_cursor: null })
          : json({ items: [message("m4", "Quarta"), message("m3", "Terceira")], next_cursor: "cursor-1" });
      },
    });
    renderWithProviders(<Thread conversation={CONVERSATION} />);
    await screen.findByText("Terceira");
    const viewport = screen.getByRole("region", { name: "Messages" });
    const scroll = layOut(viewport);
    scroll.scrollTo(0); // the reader scrolled up to the top, where "Terceira" is

    await userEvent.click(screen.getByRole("button", { name: "Load older messages" }));

    expect(await screen.findByText("Primeira")).toBeInTheDocument();
    const texts = screen.getAllByText(/^(Primeira|Segunda|Terceira|Quarta)$/).map((node) => node.textContent);
    expect(texts).toEqual(["Primeira", "Segunda", "Terceira", "Quarta"]);
    // Two bubbles (200 px) came in above: "Terceira" is still at the top of the view.
    await waitFor(() => expect(scroll.top()).toBe(200));
    expect(cursors).toEqual([null, "cursor-1"]);
    expect(screen.queryByRole("button", { name: "Load older messages" })).not.toBeInTheDocument();
  });

  it("offers to try again when the older messages fail to load", async () => {
    let fail = true;
    fakeGateway({
      [`GET ${BASE}/messages`]: (request) => {
        if (!new URL(request.url).searchParams.get("cursor")) {
          return json({ items: [message("m2", "Recente")], next_cursor: "cursor-1" });
        }
        if (fail) return json({ detail: "boom" }, 500);
        return json({ items: [message("m1", "Antiga")], next_cursor: null });
      },
    });
    renderWithProviders(<Thread conversation={CONVERSATION} />);
    const user = userEvent.setup({ pointerEventsCheck: PointerEventsCheckLevel.Never });
    await user.click(await screen.findByRole("button", { name: "Load older messages" }));

    expect(await screen.findByText("Older messages could not be loaded.")).toBeInTheDocument();
    fail = false;
    await user.click(screen.getByRole("button", { name: "Try again" }));

    expect(await screen.findByText("Antiga")).toBeInTheDocument();
  });
});
