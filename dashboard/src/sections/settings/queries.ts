// The company (GET/PATCH /api/v1/tenant) and its API keys.
import { notifications } from "@mantine/notifications";
import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { useTranslation } from "react-i18next";
import { api } from "../../api/client";
import type { Schemas } from "../../api/client";
import { describeProblem } from "../team/problem";

export type Tenant = Schemas["TenantView"];
export type TenantUpdate = Schemas["TenantUpdate"];
export type ApiKey = Schemas["ApiKeyOut"];
export type ApiKeyCreated = Schemas["ApiKeyCreated"];

export const settingsKeys = {
  tenant: ["settings", "tenant"] as const,
  apiKeys: ["settings", "api-keys"] as const,
};

export function useTenant() {
  return useQuery({
    queryKey: settingsKeys.tenant,
    queryFn: async () => {
      const { data, error } = await api.GET("/api/v1/tenant");
      if (error || !data) throw error ?? new Error("no answer");
      return data;
    },
  });
}

/** PATCH the company; the answer replaces the cache, the shell's name follows, a toast says
 * how it went. */
export function useUpdateTenant(onSaved?: (tenant: Tenant) => void) {
  const { t } = useTranslation();
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: async (body: TenantUpdate) => {
      const { data, error } = await api.PATCH("/api/v1/tenant", { body });
      if (error || !data) throw error ?? new Error("no answer");
      return data;
    },
    onSuccess: (tenant, body) => {
      queryClient.setQueryData(settingsKeys.tenant, tenant);
      if (body.name !== undefined || body.timezone !== undefined) {
        void queryClient.invalidateQueries({ queryKey: ["auth", "me"] });
      }
      onSaved?.(tenant);
      notifications.show({ color: "brand", message: t("settings.saved") });
    },
    onError: (error) => {
      notifications.show({
        color: "red",
        title: t("settings.saveFailed"),
        message: describeProblem(error, t("settings.saveFailed")),
      });
    },
  });
}

export async function fetchApiKeys(cursor: string | null) {
  const { data, error } = await api.GET("/api/v1/api-keys", {
    params: { query: cursor ? { cursor } : {} },
  });
  if (error || !data) throw error ?? new Error("no answer");
  return data;
}
