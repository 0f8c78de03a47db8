import type { InfiniteData } from "@tanstack/react-query";
import { screen, waitFor } from "@testing-library/react";
import userEvent from "@testing-library/user-event";
import { describe, expect, it } from "vitest";
import type { MessagePage } from "../../api/inbox";
import { fakeGateway, json, problem } from "../../test/gateway";
import { renderWithProviders } from "../../test/render";
import { Composer } from "./Composer";
import { inboxKeys } from "./queries";

const ID = "c0a1b2c3-0000-4000-8000-000000000001";
const PATH = `POST /api/v1/inbox/conversations/${ID}/messages`;

function accepted(body: Record<string, unknown>) {
  return json({ id: "m1", direction: "out", status: "pending", ...body }, 202);
}

/** A fake gateway that records the bodies of the replies it is sent. */
function replies(answer: (body: Record<string, unknown>) => Response = accepted) {
  const bodies: Record<string, unknown>[] = [];
  fakeGateway({
    [PATH]: async (request) => {
      const body = (await request.json()) as Record<string, unknown>;
      bodies.push(body);
      return answer(body);
    },
    [`GET /api/v1/inbox/conversations/${ID}/messages`]: () => json({ items: [], next_cursor: null }),
    "GET /api/v1/inbox/conversations": () => json({ items: [], next_cursor: null }),
  });
  return bodies;
}

describe("composer", () => {
  it("sends the text, clears the box and shows the reply at once", async () => {
    const bodies: Record<string, unknown>[] = [];
    let resolve: (response: Response) => void = () => {};
    fakeGateway({
      [PATH]: async (request) => {
        bodies.push((await request.json()) as Record<string, unknown>);
        return new Promise<Response>((done) => (resolve = done));
      },
    });
    const { queryClient } = renderWithProviders(<Composer conversationId={ID} windowOpen />);
    const user = userEvent.setup();
    const box = screen.getByRole("textbox");

    await user.type(box, "Olá, Maria");
    await user.click(screen.getByRole("button", { name: "Send" }));

    expect(box).toHaveValue("");
    await waitFor(() => expect(bodies).toEqual([{ type: "text", text: "Olá, Maria" }]));
    const data = queryClient.getQueryData<InfiniteData<MessagePage>>(inboxKeys.messages(ID));
    expect(data?.pages[0]?.items[0]).toMatchObject({ direction: "out", text: "Olá, Maria", status: "pending" });
    resolve(accepted({ text: "Olá, Maria" }));
  });

  it("sends on Enter and starts a new line on Shift+Enter", async () => {
    const bodies = replies();
    renderWithProviders(<Composer conversationId={ID} windowOpen />);
    const user = userEvent.setup();
    const box = screen.getByRole("textbox");

    await user.type(box, "first line{Shift>}{Enter}{/Shift}second");
    expect(box).toHaveValue("first line\nsecond");
    expect(bodies).toEqual([]);
    await user.type(box, "{Enter}");

    await waitFor(() => expect(bodies).toEqual([{ type: "text", text: "first line\nsecond" }]));
    expect(box).toHaveValue("");
  });

  it("offers a template when the window is closed, and sends it with its variables", async () => {
    const bodies = replies();
    renderWithProviders(<Composer conversationId={ID} windowOpen={false} />);
    const user = userEvent.setup();

    expect(screen.getByText("The reply window is closed")).toBeInTheDocument();
    expect(screen.queryByRole("button", { name: "Send" })).not.toBeInTheDocument();
    expect(screen.getByLabelText("Language")).toHaveValue("pt_BR");
    await user.type(screen.getByLabelText("Template name"), "order_update");
    await user.click(screen.getByRole("button", { name: "Add variable" }));
    await user.type(screen.getByLabelText("Variable 1"), "Maria");
    await user.click(screen.getByRole("button", { name: "Add variable" }));
    await user.type(screen.getByLabelText("Variable 2"), "#1234");
    await user.click(screen.getByRole("button", { name: "Send template" }));

    await waitFor(() =>
      expect(bodies).toEqual([
        { type: "template", name: "order_update", language: "pt_BR", variables: ["Maria", "#1234"] },
      ]),
    );
  });

  it("switches to the template form when the server says the window has closed", async () => {
    const bodies = replies(() => problem(409, "the 24-hour window is closed", "window_closed"));
    renderWithProviders(<Composer conversationId={ID} windowOpen />);
    const user = userEvent.setup();

    await user.type(screen.getByRole("textbox"), "Ainda aí?{Enter}");

    expect(await screen.findByLabelText("Template name")).toBeInTheDocument();
    expect(screen.getAllByText("The reply window is closed").length).toBeGreaterThanOrEqual(2);
    expect(bodies).toEqual([{ type: "text", text: "Ainda aí?" }]);
  });
});
