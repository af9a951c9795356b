// Imported first by every UI test, before Ink loads chalk: frames then carry
// real SGR codes (bold, inverse, underline) the tests can look for, also
// when CI=true or stdout is not a terminal.
process.env['FORCE_COLOR'] = '1';
delete process.env['NO_COLOR'];
// Lets the harness use React's act() so every update is flushed before a
// test looks at the frame, instead of sleeping and hoping.
(globalThis as { IS_REACT_ACT_ENVIRONMENT?: boolean }).IS_REACT_ACT_ENVIRONMENT = true;
