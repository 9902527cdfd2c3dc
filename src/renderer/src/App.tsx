import { WelcomeScreen } from './screens/WelcomeScreen';

export function App() {
  return <WelcomeScreen />;
}
