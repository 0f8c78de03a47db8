// The providers every page relies on: theme, notifications, server state, session, routes;
// and the installable app's offline banner and update prompt.
import { MantineProvider, createTheme } from "@mantine/core";
import { Notifications } from "@mantine/notifications";
import { QueryClient, QueryClientProvider } from "@tanstack/react-query";
import { Suspense, useState } from "react";
import { RouterProvider, createBrowserRouter, createMemoryRouter } from "react-router";
import { AuthProvider } from "./auth/AuthProvider";
import { OfflineBanner } from "./pwa/OfflineBanner";
import { UpdatePrompt } from "./pwa/UpdatePrompt";
import { routes } from "./routes";
import { PageFallback } from "./shell/PageFallback";

const theme = createTheme({ primaryColor: "teal", defaultRadius: "md" });

export function createQueryClient(): QueryClient {
  return new QueryClient({
    defaultOptions: { queries: { staleTime: 30_000, retry: 1, refetchOnWindowFocus: false } },
  });
}

interface AppProps {
  queryClient?: QueryClient;
  /** Tests start at a path in memory; the browser uses its address bar. */
  initialPath?: string;
}

export function App({ queryClient = createQueryClient(), initialPath }: AppProps) {
  const [router] = useState(() =>
    initialPath
      ? createMemoryRouter(routes, { initialEntries: [initialPath] })
      : createBrowserRouter(routes),
  );
  return (
    <MantineProvider theme={theme} defaultColorScheme="auto">
      <Notifications />
      <OfflineBanner />
      <UpdatePrompt />
      <QueryClientProvider client={queryClient}>
        <AuthProvider>
          <Suspense fallback={<PageFallback />}>
            <RouterProvider router={router} />
          </Suspense>
        </AuthProvider>
      </QueryClientProvider>
    </MantineProvider>
  );
}
