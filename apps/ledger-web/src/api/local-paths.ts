/**
 * Routes the console uses that the generated schema does not have yet: sign-in and accounts
 * (issue 12 item 1, built on another branch). Written in openapi-typescript's shape, so that the
 * client is one; delete each as `npm run openapi:types` brings it in from the API.
 */
type Json<T> = { content: { 'application/json': T } };
type NoParams = { query?: never; header?: never; path?: never; cookie?: never };
type Op<Body, Answer, Params = NoParams> = {
  parameters: Params;
  requestBody?: Json<Body>;
  responses: { 200: Json<Answer>; 201: Json<Answer>; 204: { content?: never } };
};

export interface LocalPaths {
  '/api/v1/auth/login': {
    parameters: NoParams;
    post: Op<{ username: string; password: string }, LoginAnswer>;
  };
  '/api/v1/auth/logout': { parameters: NoParams; post: Op<never, never> };
  '/api/v1/auth/me': { parameters: NoParams; get: Op<never, Me> };
  '/api/v1/users': {
    parameters: NoParams;
    get: Op<never, UserRow[] | { items: UserRow[] }>;
    post: Op<NewUser, { userId: string }>;
  };
  '/api/v1/users/{userId}/disable': {
    parameters: NoParams;
    post: Op<never, unknown, { path: { userId: string } }>;
  };
}

export type Role = 'admin' | 'regulator' | 'agency' | 'reviewer' | 'auditor';

export interface Me {
  userId: string;
  username: string;
  role: Role;
  jurisdiction?: string;
  authority?: string;
  uscc?: string;
  displayName?: string;
  main?: boolean;
}

export interface LoginAnswer {
  token: string;
  expiresAt: string;
  csrfToken: string;
  user: Me;
}

export interface UserRow extends Me {
  disabled?: boolean;
}

export interface NewUser {
  username: string;
  password: string;
  role: Role;
  jurisdiction?: string;
  uscc?: string;
  displayName?: string;
}
