import { act, cleanup, render, screen } from "@testing-library/react";
import { afterEach, describe, expect, it } from "vitest";
import { App } from "../App";
import { endSession } from "../auth/session";
import { conversation, message } from "../sections/inbox/fixtures";
import { fakeGateway, json, token } from "../test/gateway";
import { fakeWebSockets, lastSocket } from "./fakeSocket";

afterEach(() => {
  cleanup();
  endSession();
});

describe("the signed-in app", { timeout: 30_000 }, () => {
  it("opens a linked conversation and shows the live connection in the header", async () => {
    const maria = conversation();
    const base = `/api/v1/inbox/conversations/${maria.id}`;
    fakeWebSockets();
    fakeGateway({
      "POST /api/v1/auth/refresh": () => json(token()),
      "GET /api/v1/inbox/conversations": () => json({ items: [maria], next_cursor: null }),
      [`GET ${base}`]: () => json(maria),
      [`GET ${base}/messages`]: () =>
        json({ items: [message("m1", "Pedido entregue", { direction: "out", status: "read" })], next_cursor: null }),
    });
    render(<App initialPath={`/inbox?conversation=${maria.id}`} />);

    expect(await screen.findByRole("heading", { name: "Maria Silva" })).toBeInTheDocument();
    expect(await screen.findByRole("img", { name: "Read" })).toBeInTheDocument();
    expect(screen.getByRole("option", { name: /Maria Silva/ })).toHaveAttribute("aria-selected", "true");
    const indicator = screen.getByRole("status", { name: "Live updates" });
    act(() => lastSocket().open());
    expect(indicator).toHaveTextContent("Live");
  });
});
