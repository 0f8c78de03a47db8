import { screen, waitFor, within } from "@testing-library/react";
import userEvent, { PointerEventsCheckLevel } from "@testing-library/user-event";
import { afterEach, describe, expect, it } from "vitest";
import { endSession } from "../../auth/session";
import { fakeGateway, json, problem, token } from "../../test/gateway";
import { renderApp } from "../connections/testing";
import { knowledgeBase, knowledgeDocument } from "./fixtures";

afterEach(() => endSession());

const BASE = knowledgeBase({ name: "Perguntas frequentes", description: "O que os clientes mais perguntam" });
const PATH = `/api/v1/ai/knowledge-bases/${BASE.id}`;
const setup = () => userEvent.setup({ pointerEventsCheck: PointerEventsCheckLevel.Never });

function job(done: number, total: number, status = "running") {
  return {
    id: "job-1",
    knowledge_base_id: BASE.id,
    document_id: null,
    kind: "index",
    status,
    total,
    done,
    progress: total ? done / total : 0,
    error: null,
    created_at: BASE.created_at,
    started_at: null,
    finished_at: null,
  };
}

describe("a knowledge base's page", { timeout: 30_000 }, () => {
  it("follows a document's indexing until it is ready, then shows its passages", async () => {
    const indexing = knowledgeDocument(BASE.id, { title: "Catálogo", kind: "file", status: "indexing", chunk_count: 0, job: job(1, 4) });
    const ready = { ...indexing, status: "ready" as const, chunk_count: 4, job: job(4, 4, "done") };
    let reads = 0;
    fakeGateway({
      "POST /api/v1/auth/refresh": () => json(token()),
      [`GET ${PATH}`]: () => json(BASE),
      [`GET ${PATH}/documents`]: () => json({ items: [reads++ < 1 ? indexing : ready], next_cursor: null }),
      [`GET ${PATH}/documents/${indexing.id}/chunks`]: () =>
        json({
          items: [{ id: "c1", ordinal: 0, heading: "Entrega", text: "Entregamos em 2 a 5 dias.", char_count: 25, token_count: 7, embedding_model: "e5-small" }],
          next_cursor: null,
        }),
    });
    renderApp(`/ai/knowledge/${BASE.id}`);
    const user = setup();

    expect(await screen.findByRole("heading", { name: "Perguntas frequentes" })).toBeInTheDocument();
    const table = await screen.findByRole("table", { name: "Documents" });
    expect(within(table).getByText("Indexing")).toBeInTheDocument();
    expect(within(table).getByRole("progressbar", { name: "Indexing Catálogo: 1 of 4" })).toHaveAttribute("aria-valuenow", "25");
    // Read again while indexing, until it is ready.
    expect(await within(table).findByText("Ready", {}, { timeout: 8000 })).toBeInTheDocument();
    expect(within(table).queryByRole("progressbar")).not.toBeInTheDocument();

    await user.click(within(table).getByRole("button", { name: "Passages of Catálogo" }));
    const dialog = await screen.findByRole("dialog", { name: "Passages of Catálogo" });
    expect(await within(dialog).findByText("Entregamos em 2 a 5 dias.")).toBeInTheDocument();
    expect(within(dialog).getByText("1. Entrega")).toBeInTheDocument();
  });

  it("adds questions and answers typed in, checked before they are sent", async () => {
    const sent: unknown[] = [];
    let documents = [] as ReturnType<typeof knowledgeDocument>[];
    fakeGateway({
      "POST /api/v1/auth/refresh": () => json(token()),
      [`GET ${PATH}`]: () => json(BASE),
      [`GET ${PATH}/documents`]: () => json({ items: documents, next_cursor: null }),
      [`POST ${PATH}/faq`]: async (request) => {
        sent.push(await request.json());
        documents = [knowledgeDocument(BASE.id, { status: "pending", chunk_count: 0 })];
        return json(documents[0], 202);
      },
    });
    renderApp(`/ai/knowledge/${BASE.id}`);
    const user = setup();

    expect(await screen.findByText(/No documents yet/)).toBeInTheDocument();
    await user.type(screen.getByRole("textbox", { name: "Question 1" }), "Qual é o prazo de entrega?");
    await user.click(screen.getByRole("button", { name: "Add the questions" }));
    expect(await screen.findByText("Write the answer")).toBeInTheDocument();
    expect(sent).toEqual([]);

    await user.type(screen.getByRole("textbox", { name: "Answer 1" }), "De 2 a 5 dias úteis.");
    await user.click(screen.getByRole("button", { name: "Add a question" }));
    await user.type(screen.getByRole("textbox", { name: "Question 2" }), "Aceitam Pix?");
    await user.type(screen.getByRole("textbox", { name: "Answer 2" }), "Sim.");
    await user.click(screen.getByRole("button", { name: "Add the questions" }));

    await waitFor(() =>
      expect(sent).toEqual([
        {
          title: "FAQ",
          pairs: [
            { question: "Qual é o prazo de entrega?", answer: "De 2 a 5 dias úteis." },
            { question: "Aceitam Pix?", answer: "Sim." },
          ],
        },
      ]),
    );
    expect(await screen.findByText("Waiting")).toBeInTheDocument();
  });

  it("tests retrieval: the passages with their fused score and similarity, or the service's problem", async () => {
    let calls = 0;
    fakeGateway({
      "POST /api/v1/auth/refresh": () => json(token()),
      [`GET ${PATH}`]: () => json(BASE),
      [`GET ${PATH}/documents`]: () => json({ items: [knowledgeDocument(BASE.id)], next_cursor: null }),
      [`POST ${PATH}/search`]: () =>
        ++calls === 1
          ? problem(503, "the embedding model is loading", "unavailable")
          : json({
              passages: [
                {
                  chunk_id: "c1",
                  document_id: "d1",
                  document_title: "FAQ",
                  heading: "",
                  text: "Qual é o prazo de entrega?\nDe 2 a 5 dias úteis.",
                  score: 0.0327869,
                  similarity: 0.9123,
                  vector_rank: 1,
                  text_rank: 2,
                },
              ],
            }),
    });
    renderApp(`/ai/knowledge/${BASE.id}`);
    const user = setup();

    await user.type(await screen.findByRole("textbox", { name: "Question" }), "Em quantos dias chega?");
    await user.click(screen.getByRole("button", { name: "Search" }));
    expect(await screen.findByText("the embedding model is loading")).toBeInTheDocument();

    await user.click(screen.getByRole("button", { name: "Search" }));
    const found = await screen.findByRole("list", { name: "Passages found" });
    const passage = within(found).getByRole("listitem");
    expect(passage).toHaveTextContent("Score 0.0328");
    expect(passage).toHaveTextContent("Similarity 91.2%");
    expect(passage).toHaveTextContent("De 2 a 5 dias úteis.");
  });

  it("indexes a document again and deletes one after asking", async () => {
    const faq = knowledgeDocument(BASE.id, { title: "FAQ" });
    const seen: string[] = [];
    let documents = [faq];
    fakeGateway({
      "POST /api/v1/auth/refresh": () => json(token()),
      [`GET ${PATH}`]: () => json(BASE),
      [`GET ${PATH}/documents`]: () => json({ items: documents, next_cursor: null }),
      [`POST ${PATH}/documents/${faq.id}/reindex`]: () => {
        seen.push("reindex");
        return json({ ...faq, status: "pending" }, 202);
      },
      [`DELETE ${PATH}/documents/${faq.id}`]: () => {
        seen.push("delete");
        documents = [];
        return new Response(null, { status: 204 });
      },
    });
    renderApp(`/ai/knowledge/${BASE.id}`);
    const user = setup();

    await user.click(await screen.findByRole("button", { name: "Index FAQ again" }, { timeout: 15_000 }));
    await waitFor(() => expect(seen).toEqual(["reindex"]));
    await user.click(screen.getByRole("button", { name: "Delete FAQ" }));
    const dialog = await screen.findByRole("dialog", { name: "Delete FAQ" });
    expect(dialog).toHaveTextContent("Delete FAQ and its passages?");
    expect(seen).toEqual(["reindex"]);
    await user.click(within(dialog).getByRole("button", { name: "Delete" }));
    expect(await screen.findByText(/No documents yet/)).toBeInTheDocument();
    expect(seen).toEqual(["reindex", "delete"]);
  });
});
