// The `crisp-import` command line. Commands are added in ./commands.
console.log('crisp-import');
