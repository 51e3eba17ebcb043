<?php
// Reads a question file with Moodle's own import format class and prints the questions as JSON.
//
//   php moodle_import.php INTEROP_DIR gift FILE
//
// Moodle's question/format/gift/format.php is loaded from INTEROP_DIR/moodle (see tests/interop/README.md).
// Everything it needs from a Moodle site is stubbed here (this file is ours). The stand-in for the base
// class qformat_default (question/format.php) keeps only what the format class calls while reading:
// splitting the file into questions at blank lines, the default question (defaultmark 1, penalty
// 0.3333333, as qformat_default::defaultquestion sets them), and error reporting. It does not save
// anything: importprocess() would insert every question as a new one.
define('MOODLE_INTERNAL', true);
define('FORMAT_MOODLE', 0);
define('FORMAT_HTML', 1);
define('FORMAT_PLAIN', 2);
define('FORMAT_MARKDOWN', 4);

$interop = $argv[1];
$format = $argv[2];
$file = $argv[3];
$errors = [];

function get_string($identifier, $component = '', $a = null) {
    return "[[$identifier]]";
}

function get_config($plugin, $name = null) {
    $config = ['qtype_multichoice' => ['answernumbering' => 'abc'], 'quiz' => ['shuffleanswers' => 1]];
    return $config[$plugin][$name] ?? false;
}

class qformat_default {
    public $course = null;

    protected function defaultquestion() {
        $question = new stdClass();
        $question->shuffleanswers = get_config('quiz', 'shuffleanswers');
        $question->defaultmark = 1;
        $question->image = '';
        $question->usecase = 0;
        $question->multiplier = [];
        $question->questiontextformat = FORMAT_MOODLE;
        $question->generalfeedback = '';
        $question->generalfeedbackformat = FORMAT_MOODLE;
        $question->answernumbering = 'abc';
        $question->penalty = 0.3333333;
        $question->length = 1;
        $question->export_process = true;
        $question->import_process = true;
        $this->add_blank_combined_feedback($question);
        return $question;
    }

    protected function add_blank_combined_feedback($question) {
        foreach (['correctfeedback', 'partiallycorrectfeedback', 'incorrectfeedback'] as $field) {
            $question->$field = ['text' => '', 'format' => $question->questiontextformat, 'files' => []];
        }
        return $question;
    }

    protected function error($message, $text = '', $questionname = '') {
        global $errors;
        $errors[] = ['message' => $message, 'text' => $text, 'question' => $questionname];
    }

    protected function clean_question_name($name) {
        return trim(strip_tags($name));
    }

    protected function create_default_question_name($questiontext, $default) {
        $name = trim(strip_tags($questiontext));
        return $name === '' ? $default : mb_substr($name, 0, 80);
    }

    public function readquestions($lines) {
        $questions = [];
        $currentquestion = [];
        foreach ($lines as $line) {
            $line = trim($line);
            if (empty($line)) {
                if (!empty($currentquestion)) {
                    if ($question = $this->readquestion($currentquestion)) {
                        $questions[] = $question;
                    }
                    $currentquestion = [];
                }
            } else {
                $currentquestion[] = $line;
            }
        }
        if (!empty($currentquestion)) {
            if ($question = $this->readquestion($currentquestion)) {
                $questions[] = $question;
            }
        }
        return $questions;
    }
}

if ($format !== 'gift') {
    fwrite(STDERR, "unknown format $format\n");
    exit(2);
}
require($interop . '/moodle/question/format/gift/format.php');
$reader = new qformat_gift();
// qformat_default::readdata: the file's lines, a UTF-8 byte order mark removed.
$lines = preg_split('/\r\n|\r|\n/', preg_replace('/^\xEF\xBB\xBF/', '', file_get_contents($file)));
$questions = $reader->readquestions($lines);
echo json_encode(['questions' => $questions, 'errors' => $errors],
                 JSON_PRETTY_PRINT | JSON_UNESCAPED_UNICODE | JSON_UNESCAPED_SLASHES), "\n";
