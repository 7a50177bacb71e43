export function App(): React.JSX.Element {
  return (
    <main>
      <h1>Contact Importer for Crisp</h1>
    </main>
  );
}
