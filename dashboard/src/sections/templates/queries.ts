// The template library's server state: query keys, and how a template's Meta status reads.
import { useMutation, useQueryClient } from "@tanstack/react-query";
import { deleteTemplate } from "../../api/campaignsApi";

export const templateLibraryKeys = {
  all: ["templates"] as const,
  list: (q: string) => ["templates", "list", q] as const,
  detail: (templateId: string) => ["templates", "detail", templateId] as const,
  preview: (templateId: string, contactId: string, updatedAt: string) =>
    ["templates", "preview", templateId, contactId, updatedAt] as const,
};

export const PAGE_SIZE = 50;

export type MetaBadge = "none" | "approved" | "pending" | "rejected" | "paused" | "disabled" | "other";

/** Meta's status (APPROVED, PENDING, REJECTED…, or none for a template not at Meta) as the
 *  badge the list shows, with its colour. */
export function metaBadge(status: string | null | undefined): { kind: MetaBadge; color: string } {
  switch ((status ?? "").toUpperCase()) {
    case "":
      return { kind: "none", color: "gray" };
    case "APPROVED":
      return { kind: "approved", color: "green" };
    case "PENDING":
    case "IN_APPEAL":
      return { kind: "pending", color: "yellow" };
    case "REJECTED":
      return { kind: "rejected", color: "red" };
    case "PAUSED":
      return { kind: "paused", color: "orange" };
    case "DISABLED":
      return { kind: "disabled", color: "red" };
    default:
      return { kind: "other", color: "gray" };
  }
}

export function useDeleteTemplate(onDeleted: () => void) {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: deleteTemplate,
    onSuccess: () => {
      void queryClient.invalidateQueries({ queryKey: templateLibraryKeys.all });
      onDeleted();
    },
  });
}
