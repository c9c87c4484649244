/** The web client: the start page at `/`, a joined role's page at `/play#token=…`. */
import './zod-jitless.js';
import { render } from 'preact';
import { PlayPage } from './pages/PlayPage.js';
import { StartPage } from './pages/StartPage.js';
import './styles.css';

function App() {
  switch (location.pathname) {
    case '/':
      return <StartPage />;
    case '/play':
      return <PlayPage />;
    default:
      return (
        <main class="start">
          <h1>Page not found</h1>
          <p>
            <a href="/">Start an exercise</a>, or open the join link you were given.
          </p>
        </main>
      );
  }
}

const root = document.getElementById('app');
if (root) render(<App />, root);
