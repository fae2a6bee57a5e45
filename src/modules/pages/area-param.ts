/** An `area=` parameter of a page, as a name or a code: the council's code, or a 400 saying why, with the choices. */
import { AppError } from '../../platform/errors.ts';
import { areaField, nameWithCode, type AreasService } from '../areas/index.ts';

export async function areaCodeFor(areas: AreasService, text: string | undefined): Promise<string | undefined> {
  const value = text?.trim();
  if (!value) return undefined;
  const m = await areas.matchArea(value);
  if (m.kind === 'match') return m.area.code;
  const field = areaField(value, m);
  const message =
    m.kind === 'choices' ? `${field.error}: ${m.choices.map(nameWithCode).join(', ')}` : (field.error ?? '');
  throw new AppError(400, 'invalid-parameter', `area: ${message}`, [{ field: 'area', message, value }]);
}
