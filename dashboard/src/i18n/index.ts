// i18next with English and Brazilian Portuguese; the language comes from the user's choice
// (kept in localStorage) or else the browser, and any Portuguese variant means pt-BR.
import i18n from "i18next";
import LanguageDetector from "i18next-browser-languagedetector";
import { initReactI18next } from "react-i18next";
import { en } from "./en";
import { ptBR } from "./pt-BR";

export const LANGUAGES = [
  { code: "en", label: "English" },
  { code: "pt-BR", label: "Português (Brasil)" },
] as const;

function supported(language: string): string {
  return language.toLowerCase().startsWith("pt") ? "pt-BR" : "en";
}

void i18n
  .use(LanguageDetector)
  .use(initReactI18next)
  .init({
    resources: { en: { translation: en }, "pt-BR": { translation: ptBR } },
    supportedLngs: ["en", "pt-BR"],
    fallbackLng: "en",
    interpolation: { escapeValue: false }, // React escapes already
    showSupportNotice: false,
    detection: {
      order: ["localStorage", "navigator"],
      lookupLocalStorage: "mia.language",
      caches: ["localStorage"],
      convertDetectedLanguage: supported,
    },
  });

// Screen readers pick their voice from <html lang>; the detected language is known once
// init has run, before this listener exists, so it is set here too.
const setDocumentLanguage = (language: string) => {
  document.documentElement.lang = language;
};
i18n.on("languageChanged", setDocumentLanguage);
if (i18n.language) setDocumentLanguage(i18n.language);

export default i18n;
