import { Type } from '@sinclair/typebox';

export const SignInQuery = Type.Object({
  next: Type.Optional(Type.String({ maxLength: 500 })),
  done: Type.Optional(Type.Literal('password')),
});

export const SignInForm = Type.Object({
  email: Type.String({ maxLength: 320 }),
  password: Type.String({ maxLength: 200 }),
  _csrf: Type.String({ maxLength: 100 }),
  next: Type.Optional(Type.String({ maxLength: 500 })),
});

export const Me = Type.Object(
  {
    email: Type.String(),
    name: Type.String(),
    role: Type.String(),
    council: Type.Union([Type.Null(), Type.Object({ code: Type.String(), name: Type.String() })]),
    politicalGroup: Type.Union([Type.Null(), Type.String()], {
      description: "A group office's political group (the party it puts forward members of); null for other roles",
    }),
    csrfToken: Type.String(),
  },
  { description: 'The signed-in user' },
);
