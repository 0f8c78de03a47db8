import { screen, waitFor, within } from "@testing-library/react";
import userEvent, { PointerEventsCheckLevel } from "@testing-library/user-event";
import { afterEach, describe, expect, it } from "vitest";
import { endSession } from "../../auth/session";
import { fakeGateway, json, problem, token } from "../../test/gateway";
import { renderApp } from "../connections/testing";
import { knowledgeBase } from "./fixtures";

afterEach(() => endSession());

const setup = () => userEvent.setup({ pointerEventsCheck: PointerEventsCheckLevel.Never });

describe("knowledge bases", { timeout: 30_000 }, () => {
  it("creates the first base from the empty state, with the built-in model, and opens it", async () => {
    const created = knowledgeBase({ name: "Loja" });
    const bodies: unknown[] = [];
    fakeGateway({
      "POST /api/v1/auth/refresh": () => json(token()),
      "GET /api/v1/ai/knowledge-bases": () => json({ items: [], next_cursor: null }),
      "POST /api/v1/ai/knowledge-bases": async (request) => {
        bodies.push(await request.json());
        return bodies.length === 1 ? problem(409, "a base named Loja exists", "knowledge_base_name_taken") : json(created, 201);
      },
      [`GET /api/v1/ai/knowledge-bases/${created.id}`]: () => json(created),
      [`GET /api/v1/ai/knowledge-bases/${created.id}/documents`]: () => json({ items: [], next_cursor: null }),
    });
    renderApp("/ai/knowledge");
    const user = setup();

    expect(await screen.findByRole("heading", { name: "No knowledge bases yet" }, { timeout: 15_000 })).toBeInTheDocument();
    await user.click(screen.getByRole("button", { name: "New knowledge base" }));
    const dialog = await screen.findByRole("dialog", { name: "New knowledge base" });
    await user.click(within(dialog).getByRole("button", { name: "Create" }));
    expect(await within(dialog).findByText("Give the base a name")).toBeInTheDocument();

    await user.type(within(dialog).getByRole("textbox", { name: "Name" }), "Loja");
    await user.click(within(dialog).getByRole("button", { name: "Create" }));
    expect(await within(dialog).findByText("a base named Loja exists")).toBeInTheDocument();
    await user.click(within(dialog).getByRole("button", { name: "Create" }));

    expect(await screen.findByRole("heading", { name: "Loja" })).toBeInTheDocument();
    await waitFor(() => expect(bodies).toHaveLength(2));
    expect(bodies[1]).toEqual({ name: "Loja", description: null, embedding_model: "e5-small" });
  });
});
