/** The demo's two accounts; their passwords are printed when the demo starts. */
export interface DemoUser {
  readonly id: string;
  readonly name: string;
  readonly password: string;
  readonly role: 'customer' | 'support';
}

export const DEMO_USERS: readonly DemoUser[] = [
  { id: 'alice', name: 'Alice', password: 'wonderland', role: 'customer' },
  { id: 'sam', name: 'Sam from support', password: 'support', role: 'support' },
];

export function findUser(id: unknown): DemoUser | undefined {
  return DEMO_USERS.find((user) => user.id === id);
}
