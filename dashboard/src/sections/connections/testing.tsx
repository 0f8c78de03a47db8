// The whole app at a path, signed in (the fake gateway's refresh answers a token), with
// queries that fail at once instead of retrying.
import { render } from "@testing-library/react";
import { QueryClient } from "@tanstack/react-query";
import { App } from "../../App";

export function renderApp(path: string) {
  const queryClient = new QueryClient({
    defaultOptions: { queries: { retry: false }, mutations: { retry: false } },
  });
  return { ...render(<App initialPath={path} queryClient={queryClient} />), queryClient };
}
