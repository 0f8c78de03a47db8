// The whole app at a path, signed in (the fake gateway's refresh answers a token), with
// queries that fail at once instead of retrying; and the crm's lookups the contacts pages
// make (tags, fields, segments, users, pipelines), answered as an empty company's.
import { render } from "@testing-library/react";
import { QueryClient } from "@tanstack/react-query";
import { App } from "../../App";
import { type Handler, ME, json, token } from "../../test/gateway";

export function renderApp(path: string) {
  const queryClient = new QueryClient({
    defaultOptions: { queries: { retry: false }, mutations: { retry: false } },
  });
  return { ...render(<App initialPath={path} queryClient={queryClient} />), queryClient };
}

const page = (items: unknown[]) => json({ items, next_cursor: null });

/** Handlers for the crm's lookups; a test's own override them. */
export function crmLookups(answers: {
  tags?: unknown[];
  fields?: unknown[];
  segments?: unknown[];
  count?: number;
} = {}): Record<string, Handler> {
  return {
    "POST /api/v1/auth/refresh": () => json(token()),
    "GET /api/v1/tags": () => page(answers.tags ?? []),
    "GET /api/v1/custom-fields": () => json({ items: answers.fields ?? [] }),
    "GET /api/v1/segments": () => page(answers.segments ?? []),
    "POST /api/v1/segments/preview": () =>
      json({ count: answers.count ?? 0, count_timed_out: false, sample: [] }),
    "GET /api/v1/users": () =>
      page([{ ...ME.user, status: "active", created_at: "2026-01-01T00:00:00Z", last_login_at: null }]),
    "GET /api/v1/pipelines": () => page([]),
    "POST /api/v1/contacts/query": () => page([]),
  };
}
