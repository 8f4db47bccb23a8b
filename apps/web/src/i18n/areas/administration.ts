/** Strings of artifact details, the administration pages and the user menu's account dialogs. */
export const administrationEn = {};

export const administrationZhCN: typeof administrationEn = {};
