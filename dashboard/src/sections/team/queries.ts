// The team's server state: users, pending invitations and teams, each paged with a cursor.
import type { InfiniteData } from "@tanstack/react-query";
import { api } from "../../api/client";
import type { Schemas } from "../../api/client";

export type User = Schemas["UserOut"];
export type Invitation = Schemas["InvitationOut"];
export type InvitationCreated = Schemas["InvitationCreated"];
export type Team = Schemas["TeamOut"];
export type TeamCreate = Schemas["TeamCreate"];
export type TeamUpdate = Schemas["TeamUpdate"];

export interface Page<T> {
  items: T[];
  next_cursor: string | null;
}
export type Pages<T> = InfiniteData<Page<T>, string | null>;

export const teamKeys = {
  users: ["team", "users"] as const,
  invitations: ["team", "invitations"] as const,
  teams: ["team", "teams"] as const,
  /** Every user at once: the names of a team's members and the members to pick from. */
  everyone: ["team", "users", "everyone"] as const,
};

export async function fetchUsers(cursor: string | null, limit?: number): Promise<Page<User>> {
  const { data, error } = await api.GET("/api/v1/users", {
    params: { query: { ...(cursor ? { cursor } : {}), ...(limit ? { limit } : {}) } },
  });
  if (error || !data) throw error ?? new Error("no answer");
  return data;
}

/** Most pages `fetchEveryone` reads (10,000 users): a bound, should a cursor never end. */
const EVERYONE_PAGES = 50;

/** Every user of the company, page after page of the largest size the gateway serves. */
export async function fetchEveryone(): Promise<User[]> {
  const everyone: User[] = [];
  let cursor: string | null = null;
  let pages = 0;
  do {
    pages += 1;
    const page: Page<User> = await fetchUsers(cursor, 200);
    everyone.push(...page.items);
    cursor = page.next_cursor;
  } while (cursor && pages < EVERYONE_PAGES);
  return everyone;
}

export async function fetchTeams(cursor: string | null): Promise<Page<Team>> {
  const { data, error } = await api.GET("/api/v1/teams", {
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
