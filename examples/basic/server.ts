import { createApp } from './app.js';

const port = Number(process.env.PORT ?? 3000);
createApp().listen(port, () => {
  console.log(`express-logical-session example on http://localhost:${port}`);
  console.log(`try: curl -i -c jar -b jar http://localhost:${port}/ ; curl -i -b jar http://localhost:${port}/boom`);
});
