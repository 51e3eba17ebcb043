<?php
// Reads a question file with Moodle's own import format class and prints the questions as JSON.
//
//   php moodle_import.php INTEROP_DIR gift|xml FILE
//
// Moodle's question/format/gift/format.php, question/format/xml/format.php, lib/xmlize.php and
// question/type/ordering/questiontype.php are loaded from INTEROP_DIR/moodle (see tests/interop/README.md).
// Everything they need from a Moodle site is stubbed here (this file is ours). The stand-in for the base
// class qformat_default (question/format.php) keeps only what the format classes call while reading:
// splitting a GIFT file into questions at blank lines, the default question (defaultmark 1, penalty
// 0.3333333, as qformat_default::defaultquestion sets them), handing unknown types to the question
// types' import_from_<format>() as try_importing_using_qtypes does, and error reporting. It does not
// save anything: importprocess() would insert every question as a new one.
define('MOODLE_INTERNAL', true);
define('FORMAT_MOODLE', 0);
define('FORMAT_HTML', 1);
define('FORMAT_PLAIN', 2);
define('FORMAT_WIKI', 3);
define('FORMAT_MARKDOWN', 4);
define('DEBUG_DEVELOPER', 32767);

$interop = $argv[1];
$format = $argv[2];
$file = $argv[3];
$errors = [];
$CFG = new stdClass();
$CFG->libdir = $interop . '/moodle/lib';
$CFG->dirroot = __DIR__ . '/stubroot';  // only question/type/ordering/question.php is looked up there

class moodle_exception extends Exception {
    public function __construct($errorcode, $module = '', $link = '', $a = null, $debuginfo = null) {
        parent::__construct("$module/$errorcode: " . json_encode($a));
    }
}

function debugging($message = '', $level = 0) {
    global $errors;
    $errors[] = ['message' => "debugging: $message", 'text' => '', 'question' => ''];
}

class core_tag_tag {
    public static function is_enabled($component, $itemtype) {
        return true;
    }
}

class question_type {
}

class question_bank {
    private static $qtypes = null;

    public static function get_all_qtypes() {
        global $interop;
        if (self::$qtypes === null) {
            require_once($interop . '/moodle/question/type/ordering/questiontype.php');
            self::$qtypes = ['ordering' => new qtype_ordering()];
        }
        return self::$qtypes;
    }

    public static function get_qtype($name, $mustexist = true) {
        return self::get_all_qtypes()[$name] ?? null;
    }
}

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

    public function try_importing_using_qtypes($data, $question = null, $extra = null, $qtypehint = '') {
        $formatname = substr(get_class($this), strlen('qformat_'));
        $methodname = "import_from_{$formatname}";
        if (!empty($qtypehint)) {
            $qtype = question_bank::get_qtype($qtypehint, false);
            if (is_object($qtype) && method_exists($qtype, $methodname)) {
                $question = $qtype->$methodname($data, $question, $this, $extra);
                if ($question) {
                    return $question;
                }
            }
        }
        foreach (question_bank::get_all_qtypes() as $qtype) {
            if (method_exists($qtype, $methodname)) {
                if ($question = $qtype->$methodname($data, $question, $this, $extra)) {
                    return $question;
                }
            }
        }
        return false;
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

if ($format !== 'gift' && $format !== 'xml') {
    fwrite(STDERR, "unknown format $format\n");
    exit(2);
}
require($interop . "/moodle/question/format/$format/format.php");
$class = "qformat_$format";
$reader = new $class();
// qformat_default::readdata: the file's lines (kept with their ends, as file() gives them), a UTF-8
// byte order mark removed.
$lines = preg_split('/(?<=\n)/', preg_replace('/^\xEF\xBB\xBF/', '', file_get_contents($file)));
$questions = $reader->readquestions($lines);
echo json_encode(['questions' => $questions, 'errors' => $errors],
                 JSON_PRETTY_PRINT | JSON_UNESCAPED_UNICODE | JSON_UNESCAPED_SLASHES), "\n";
