// The company's teams as the inbox uses them: their names, and whether the signed-in user
// may take a conversation of one. Teams are the gateway's (every role may read them); the
// crm checks membership again when a conversation is taken.
import { useQuery } from "@tanstack/react-query";
import type { TFunction } from "i18next";
import type { Conversation } from "../../api/inbox";
import { atLeast, type Role } from "../team/roles";
import { fetchTeams, inboxKeys, type Team } from "./queries";

export function useTeams() {
  return useQuery({
    queryKey: inboxKeys.teams,
    queryFn: fetchTeams,
    staleTime: 5 * 60_000,
    retry: false,
  });
}

/** The team a conversation is in, when the list has it (a team missing from it was removed). */
export function teamOf(teams: Team[] | undefined, teamId: string | null): Team | undefined {
  return teamId ? teams?.find((team) => team.id === teamId) : undefined;
}

export function teamName(t: TFunction, teams: Team[] | undefined, teamId: string | null): string {
  if (!teamId) return t("inbox.teams.none");
  // Not loaded yet (or not at all): say nothing wrong about it.
  if (!teams) return t("inbox.teams.filter");
  return teamOf(teams, teamId)?.name ?? t("inbox.teams.gone");
}

/**
 * The team whose members alone may take this conversation, when the signed-in user is not
 * one of them; undefined when its team is no obstacle: managers and above take any, and a
 * conversation in no team, or in a removed one, is anyone's to take. Unknown (the teams did
 * not load): undefined, and the crm decides.
 */
export function teamInTheWay(
  conversation: Conversation,
  teams: Team[] | undefined,
  me: { id: string | null; role: Role | undefined },
): Team | undefined {
  if (atLeast(me.role, "manager") || !me.id) return undefined;
  const team = teamOf(teams, conversation.assigned_team_id);
  return team && !team.member_ids.includes(me.id) ? team : undefined;
}
