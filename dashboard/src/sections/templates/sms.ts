// How many SMS segments a body takes, counted as the campaigns service counts them
// (services/campaigns/src/mia_campaigns/templates/sms.py): GSM-7 (160 in one message, 153
// per part; the extension characters take 2) unless a character is outside the GSM 03.38
// default alphabet, then UCS-2 (70, then 67 per part; a character beyond the Basic
// Multilingual Plane takes 2). A part never splits an escape or a surrogate pair.

const GSM7_BASIC = new Set(
  "@£$¥èéùìòÇ\nØø\rÅåΔ_ΦΓΛΩΠΨΣΘΞÆæßÉ !\"#¤%&'()*+,-./0123456789:;<=>?" +
    "¡ABCDEFGHIJKLMNOPQRSTUVWXYZÄÖÑÜ§¿abcdefghijklmnopqrstuvwxyzäöñüà",
);
const GSM7_EXTENSION = new Set("\f^{}\\[~]|€");

export interface SmsSegments {
  encoding: "GSM-7" | "UCS-2";
  characters: number;
  segments: number;
  charactersLeftInSegment: number;
}

export function smsSegments(text: string): SmsSegments {
  const chars = [...text]; // code points
  const gsm = chars.every((char) => GSM7_BASIC.has(char) || GSM7_EXTENSION.has(char));
  const units = gsm
    ? chars.map((char) => (GSM7_EXTENSION.has(char) ? 2 : 1))
    : chars.map((char) => ((char.codePointAt(0) ?? 0) > 0xffff ? 2 : 1));
  const [single, part] = gsm ? [160, 153] : [70, 67];
  const encoding = gsm ? "GSM-7" : "UCS-2";
  const characters = units.reduce((sum, unit) => sum + unit, 0);
  if (characters === 0) return { encoding, characters: 0, segments: 0, charactersLeftInSegment: single };
  if (characters <= single) return { encoding, characters, segments: 1, charactersLeftInSegment: single - characters };
  let segments = 1;
  let used = 0;
  for (const unit of units) {
    if (used + unit > part) {
      segments += 1;
      used = 0;
    }
    used += unit;
  }
  return { encoding, characters, segments, charactersLeftInSegment: part - used };
}
