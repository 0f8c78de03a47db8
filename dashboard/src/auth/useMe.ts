// The signed-in user, their company and role (GET /api/v1/me).
import { useQuery } from "@tanstack/react-query";
import { api } from "../api/client";
import { useAuth } from "./AuthProvider";

export function useMe() {
  const { status } = useAuth();
  return useQuery({
    queryKey: ["auth", "me"],
    enabled: status === "signedIn",
    queryFn: async () => {
      const { data, error } = await api.GET("/api/v1/me");
      if (error || !data) throw error ?? new Error("no answer");
      return data;
    },
  });
}
