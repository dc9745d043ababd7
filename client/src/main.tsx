import { createRoot } from 'react-dom/client';
import { App } from './App.js';
import { setupI18n } from './i18n/index.js';
import './styles.css';
import './content/content.css';

setupI18n();
// No StrictMode: its double effects would open the camera and join the bridge twice.
createRoot(document.getElementById('root') as HTMLElement).render(
  <App token={new URLSearchParams(location.search).get('token')} />,
);
