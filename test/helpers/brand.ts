/** What GOV.UK's brand looks like in a response. */
export const GOVUK_BRAND = [
  /Crown copyright/i,
  /GDS Transport/i,
  /@font-face/i,
  /govuk-crest|govuk-icon|govuk-opengraph|govuk-header__logotype|govuk-footer__crown/,
  /\/assets\/(images|fonts|manifest)/,
  /aria-label="GOV\.UK"/,
];
