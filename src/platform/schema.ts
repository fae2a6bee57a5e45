import { Type, type TSchema } from '@sinclair/typebox';

/** A TypeBox schema that also allows null: the one helper every module's schemas use. */
export const Nullable = <T extends TSchema>(t: T) => Type.Union([t, Type.Null()]);
