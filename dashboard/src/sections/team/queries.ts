// The team's server state: users and pending invitations, both paged with `after`.
import type { InfiniteData } from "@tanstack/react-query";
import { api } from "../../api/client";
import type { Schemas } from "../../api/client";

export type User = Schemas["UserOut"];
export type Invitation = Schemas["InvitationOut"];
export type InvitationCreated = Schemas["InvitationCreated"];

export interface Page<T> {
  items: T[];
  next_cursor: string | null;
}
export type Pages<T> = InfiniteData<Page<T>, string | null>;

export const teamKeys = {
  users: ["team", "users"] as const,
  invitations: ["team", "invitations"] as const,
};

export async function fetchUsers(cursor: string | null): Promise<Page<User>> {
  const { data, error } = await api.GET("/api/v1/users", {
    params: { query: cursor ? { cursor } : {} },
  });
  if (error || !data) throw error ?? new Error("no answer");
  return data;
}

export async function fetchInvitations(cursor: string | null): Promise<Page<Invitation>> {
  const { data, error } = await api.GET("/api/v1/invitations", {
    params: { query: cursor ? { cursor } : {} },
  });
  if (error || !data) throw error ?? new Error("no answer");
  return data;
}

/** The cached pages with `change` applied to each item (to put a server answer in place). */
export function mapPages<T>(pages: Pages<T> | undefined, change: (item: T) => T) {
  if (!pages) return pages;
  return { ...pages, pages: pages.pages.map((p) => ({ ...p, items: p.items.map(change) })) };
}

export function filterPages<T>(pages: Pages<T> | undefined, keep: (item: T) => boolean) {
  if (!pages) return pages;
  return { ...pages, pages: pages.pages.map((p) => ({ ...p, items: p.items.filter(keep) })) };
}

export function prependToPages<T>(pages: Pages<T> | undefined, item: T): Pages<T> | undefined {
  if (!pages || pages.pages.length === 0) return pages;
  const [first, ...rest] = pages.pages;
  return { ...pages, pages: [{ ...first!, items: [item, ...first!.items] }, ...rest] };
}
