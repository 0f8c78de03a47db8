// Roles as docs/roles.md orders them (owner > admin > manager > agent), and what the
// signed-in user may do with them. The gateway checks all of this again; the page only
// avoids offering what it would refuse.
import type { Schemas } from "../../api/client";
import { useMe } from "../../auth/useMe";

export type Role = Schemas["Role"];

export const ROLES: Role[] = ["owner", "admin", "manager", "agent"];

const RANK: Record<Role, number> = { owner: 3, admin: 2, manager: 1, agent: 0 };

export function atLeast(role: Role | undefined, minimum: Role): boolean {
  return role !== undefined && RANK[role] >= RANK[minimum];
}

/** The roles someone with `role` may hand out: never above their own. */
export function assignableRoles(role: Role | undefined): Role[] {
  return ROLES.filter((candidate) => role !== undefined && RANK[candidate] <= RANK[role]);
}

/** Who is signed in and what they may manage here. */
export function useAccess() {
  const me = useMe();
  const role = me.data?.role;
  return {
    me,
    role,
    userId: me.data?.user?.id,
    /** Invite, change roles, disable, change company settings, API keys. */
    canManage: atLeast(role, "admin"),
    /** See the list of users. */
    canSeeUsers: atLeast(role, "manager"),
  };
}
