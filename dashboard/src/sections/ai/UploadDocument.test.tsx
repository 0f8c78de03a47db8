import { screen, waitFor } from "@testing-library/react";
import userEvent, { PointerEventsCheckLevel } from "@testing-library/user-event";
import { afterEach, describe, expect, it, vi } from "vitest";
import { endSession } from "../../auth/session";
import { fakeGateway, json, token } from "../../test/gateway";
import { renderApp } from "../connections/testing";
import { knowledgeBase, knowledgeDocument } from "./fixtures";

afterEach(() => endSession());

const BASE = knowledgeBase();
const PATH = `/api/v1/ai/knowledge-bases/${BASE.id}`;

/** An XMLHttpRequest that reports its upload's progress and answers as told (jsdom's would
 *  reach for a server). */
class FakeUpload {
  static sent: { method: string; url: string; headers: Record<string, string>; body: FormData }[] = [];
  static answer: { status: number; body: unknown } = { status: 202, body: {} };
  static release: (() => void) | null = null;
  upload: { onprogress: ((event: { lengthComputable: boolean; loaded: number; total: number }) => void) | null } = { onprogress: null };
  onload: (() => void) | null = null;
  onerror: (() => void) | null = null;
  status = 0;
  responseText = "";
  private method = "";
  private url = "";
  private headers: Record<string, string> = {};
  open(method: string, url: string) {
    this.method = method;
    this.url = url;
  }
  setRequestHeader(name: string, value: string) {
    this.headers[name] = value;
  }
  send(body: FormData) {
    FakeUpload.sent.push({ method: this.method, url: this.url, headers: this.headers, body });
    this.upload.onprogress?.({ lengthComputable: true, loaded: 40, total: 100 });
    FakeUpload.release = () => {
      this.status = FakeUpload.answer.status;
      this.responseText = JSON.stringify(FakeUpload.answer.body);
      this.onload?.();
    };
  }
}

describe("uploading a document", { timeout: 30_000 }, () => {
  it("sends the file with the session, shows its progress, then the document indexing", async () => {
    const uploaded = knowledgeDocument(BASE.id, { title: "catalogo.pdf", kind: "file", status: "pending", chunk_count: 0 });
    let documents: unknown[] = [];
    fakeGateway({
      "POST /api/v1/auth/refresh": () => json(token()),
      [`GET ${PATH}`]: () => json(BASE),
      [`GET ${PATH}/documents`]: () => json({ items: documents, next_cursor: null }),
    });
    FakeUpload.sent = [];
    FakeUpload.release = null;
    FakeUpload.answer = { status: 202, body: uploaded };
    vi.stubGlobal("XMLHttpRequest", FakeUpload);
    renderApp(`/ai/knowledge/${BASE.id}`);
    const user = userEvent.setup({ pointerEventsCheck: PointerEventsCheckLevel.Never });

    await user.click(await screen.findByRole("tab", { name: "Upload a file" }, { timeout: 15_000 }));
    await user.click(screen.getByRole("button", { name: "Upload" }));
    expect(await screen.findByText("Choose a file")).toBeInTheDocument();

    const file = new File(["%PDF-1.4 catálogo"], "catalogo.pdf", { type: "application/pdf" });
    await user.upload(document.querySelector<HTMLInputElement>('input[type="file"]')!, file);
    await user.click(screen.getByRole("button", { name: "Upload" }));
    expect(await screen.findByRole("progressbar", { name: "Uploading catalogo.pdf" })).toHaveAttribute("aria-valuenow", "40");
    const [request] = FakeUpload.sent;
    expect(request!.method).toBe("POST");
    expect(request!.url).toBe(`${PATH}/documents`);
    expect(request!.headers.Authorization).toMatch(/^Bearer token-/);
    expect((request!.body.get("file") as File).name).toBe("catalogo.pdf");

    documents = [uploaded];
    FakeUpload.release!();
    expect(await screen.findByText("Waiting")).toBeInTheDocument();
    await waitFor(() => expect(screen.queryByRole("progressbar", { name: "Uploading catalogo.pdf" })).not.toBeInTheDocument());
  });

  it("shows why the service refused the file", async () => {
    fakeGateway({
      "POST /api/v1/auth/refresh": () => json(token()),
      [`GET ${PATH}`]: () => json(BASE),
      [`GET ${PATH}/documents`]: () => json({ items: [], next_cursor: null }),
    });
    FakeUpload.sent = [];
    FakeUpload.release = null;
    FakeUpload.answer = {
      status: 422,
      body: { type: "about:blank", title: "Unreadable", status: 422, detail: "the PDF has no text layer", code: "document_unreadable" },
    };
    vi.stubGlobal("XMLHttpRequest", FakeUpload);
    renderApp(`/ai/knowledge/${BASE.id}`);
    const user = userEvent.setup({ pointerEventsCheck: PointerEventsCheckLevel.Never });

    await user.click(await screen.findByRole("tab", { name: "Upload a file" }, { timeout: 15_000 }));
    await user.upload(document.querySelector<HTMLInputElement>('input[type="file"]')!, new File(["%PDF-1.4"], "scan.pdf", { type: "application/pdf" }));
    await user.click(screen.getByRole("button", { name: "Upload" }));
    await waitFor(() => expect(FakeUpload.release).not.toBeNull());
    FakeUpload.release!();
    expect(await screen.findByText("the PDF has no text layer")).toBeInTheDocument();
  });
});
