"""Files from outside: zip safety, MIME types and temporary copies, for every capability."""
