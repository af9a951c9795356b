// Imported first by every UI test, before Ink loads chalk: frames then carry
// real SGR codes (bold, inverse, underline) the tests can look for, also
// when CI=true or stdout is not a terminal.
process.env['FORCE_COLOR'] = '1';
delete process.env['NO_COLOR'];
