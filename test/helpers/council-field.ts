import { expect } from 'vitest';

/**
 * A page's council field (views/partials/area-field.njk) says why it took no council: a name that fits none is in the
 * GOV.UK error summary, linked to the field, which keeps what was typed; a name that fits several is offered as radios.
 * `page(typed)` requests the page with the field holding `typed`.
 */
export async function expectCouncilFieldSaysWhy(
  page: (typed: string) => Promise<{ statusCode: number; body: string }>,
  id = 'area',
  name = id,
): Promise<void> {
  const unknown = await page('Trafforf');
  expect(unknown.statusCode).toBe(400);
  expect(unknown.body).toMatch(new RegExp(`<a href="#${id}">No council is called “Trafforf”`));
  expect(unknown.body).toContain(`id="${id}" name="${name}" type="text" value="Trafforf"`);
  const several = await page('Kingston');
  expect(several.statusCode).toBe(400);
  expect(several.body).toMatch(new RegExp(`<a href="#${id}">More than one council is called “Kingston”`));
  expect(several.body).toContain(`id="${id}" name="${name}" type="radio" value="E06000010"`);
  expect(several.body).toContain(`id="${id}-E09000021" name="${name}" type="radio" value="E09000021"`);
}
