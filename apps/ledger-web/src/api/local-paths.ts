/**
 * Answer types of sign-in and accounts (issue 12 item 1) as the pages use them; the routes
 * themselves come from the generated schema (schema.d.ts).
 */
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
