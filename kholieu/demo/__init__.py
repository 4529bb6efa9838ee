"""The demo catalogue for `kholieu demo`: accounts for each role and a few realistic items of
each kind, made here (an HTML5 lab, a SCORM 1.2 quiz, a PDF), so nothing is downloaded."""
