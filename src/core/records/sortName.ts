/** The people.sort_name of a name: "family given", lower case, without diacritics. */
export function sortName(givenName: string, familyName: string): string {
  return `${familyName} ${givenName}`.normalize('NFKD').replace(/\p{M}/gu, '').toLowerCase();
}
