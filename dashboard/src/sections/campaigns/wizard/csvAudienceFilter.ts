// What a campaign's CSV audience is once its file is imported: the crm filter "has the
// upload's tag" (the campaigns API's filter audience) and what the wizard keeps to show it.
// No React here, so the wizard's draft can build the audience without the component.
import type { components } from "../../../api/campaigns";
import { FIELD_TARGET } from "../../contacts/crm";
import { type Mapping, mappingBody } from "../../contacts/import/MappingStep";

export type FilterAudience = components["schemas"]["FilterAudience"];

/** What the wizard keeps of a CSV audience besides the filter, to show and to reuse. */
export interface CsvAudienceSummary {
  /** "1,234 contacts from clientes.csv, 12 rows rejected" */
  text: string;
  filename: string;
  contacts: number;
  rejected: number;
  importId: string;
  tagId: string;
  tagName: string;
  /** The message variables the file's custom-field columns fill: "fields.plan". */
  variables: string[];
}

/** The campaign's audience: every contact with the upload's tag. */
export function csvAudienceOf(tagId: string): FilterAudience {
  return { kind: "filter", filter: { condition: "tags", match: "any", tag_ids: [tagId] } };
}

/** The variables of the columns mapped to custom fields, in the file's column order. */
export function variablesOf(mapping: Mapping): string[] {
  return mappingBody(mapping)
    .map((column) => column.field)
    .filter((field) => field.startsWith(FIELD_TARGET));
}
