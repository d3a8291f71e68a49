// The app's own session fields, merged with the `els` field the package declares.
import 'express-session';

declare module 'express-session' {
  interface SessionData {
    userId?: string;
    cart?: string[];
  }
}

export {};
