# Runs an unzipped QTI 1.2 package through Canvas's own import code and prints what Canvas keeps, as JSON.
#
#   ruby canvas_import.rb INTEROP_DIR PACKAGE_DIR
#
# The steps are those of canvas-lms Qti::Converter#export (gems/plugins/qti_exporter/lib/qti/converter.rb):
# QTIMigrationTool converts QTI 1.2 to 2.1, Qti.convert_questions and Qti.convert_assessments read the
# result, and CC::Importer::Canvas::QuizMetadataConverter#post_process_assessments reads
# <assessment ident>/assessment_meta.xml named by the original manifest.
#
# Everything Canvas's files need from the Rails application is stubbed here (this file is ours); the
# Canvas files themselves are loaded from INTEROP_DIR/canvas-lms (see tests/interop/README.md).
# Stub choices that matter: Sanitize.clean_node! changes nothing (our texts carry no markup Canvas
# would strip), the migration flavor is nil (a generic QTI upload), file references map to nothing.
require "json"
require "logger"
require "pathname"
require "tmpdir"
require "fileutils"
require "cgi"
require "nokogiri"

INTEROP = File.expand_path(ARGV.fetch(0))
PACKAGE = File.expand_path(ARGV.fetch(1))
$LOAD_PATH.unshift(File.join(__dir__, "stubs"))  # sanitize.rb

# ---------------------------------------------------------------- ActiveSupport, as far as the files use it
class Object
  def blank? = respond_to?(:empty?) ? !!empty? : !self
  def present? = !blank?
  def presence = present? ? self : nil
  def deep_dup = Marshal.load(Marshal.dump(self))
end

class NilClass
  def blank? = true
end

class String
  def blank? = strip.empty?
end

class Array
  def pluck(key) = map { |h| h[key] }
end

# ------------------------------------------------------------------------------- Rails and Canvas stubs
ROOT = Dir.mktmpdir("canvas-root")
FileUtils.mkdir_p(File.join(ROOT, "vendor"))
File.symlink(File.join(INTEROP, "QTIMigrationTool"), File.join(ROOT, "vendor", "QTIMigrationTool"))
at_exit { FileUtils.rm_rf(ROOT) }

module Rails
  def self.root = Pathname.new(ROOT)
end

module I18n
  def self.t(_key, default, *_rest) = default
end

class PackageRoot
  def initialize(root)
    @root = File.expand_path(root)
  end

  def item_path(*parts)
    path = File.expand_path(File.join(@root, *parts))
    raise ArgumentError, "#{path} is outside the package" unless path.start_with?(@root)

    path
  end
end

class Account
  def self.site_admin = self
  def self.feature_enabled?(_flag) = false
end

class AssessmentQuestion
  ALL_QUESTION_TYPES = %w[multiple_answers_question fill_in_multiple_blanks_question matching_question
                          missing_word_question multiple_choice_question numerical_question text_only_question
                          short_answer_question multiple_dropdowns_question calculated_question essay_question
                          true_false_question file_upload_question].freeze
end

module Canvas
  module Migration
    LOG = Logger.new($stderr, level: Logger::WARN)
    def self.logger = LOG

    module XMLHelper
      def get_node_att(node, selector, attribute, default = nil)
        (found = node.at_css(selector)) ? found[attribute] : default
      end

      def get_node_val(node, selector, default = nil)
        (found = node.at_css(selector)) ? found.text.strip : default
      end

      def get_bool_val(node, selector, default = nil)
        (found = node.at_css(selector)) ? found.text.strip.casecmp?("true") : default
      end

      def get_int_val(node, selector, default = nil)
        (found = node.at_css(selector)) && found.text.strip =~ /\A-?\d+\z/ ? found.text.strip.to_i : default
      end

      def get_float_val(node, selector, default = nil)
        (found = node.at_css(selector)) && !found.text.strip.empty? ? found.text.strip.to_f : default
      end

      def get_time_val(node, selector, default = nil)
        (found = node.at_css(selector)) ? found.text.strip : default
      end

      def open_file_xml(path)
        Nokogiri::XML(File.open(path))
      end
    end
  end
end

module CC
  module Importer
    module Canvas
      module AssignmentConverter
        ASSESSMENT_META = "assessment_meta.xml"
      end
    end
  end
end

module Qti
  module Flavors
    BBLEARN = "bb"
    ANGEL = "angel"
    D2L = "d2l"
    WEBCT = "webct"
    RESPONDUS = "respondus"
    CANVAS = "canvas"
  end

  class Converter  # only its constants; #export is re-enacted below
    IMS_MD = "http://www.imsglobal.org/xsd/imsmd_v1p2"
    QTI_2_1_URL = "http://www.imsglobal.org/xsd/imsqti_v2p1"
    QTI_2_0_URL = "http://www.imsglobal.org/xsd/imsqti_v2p0"
    QTI_2_0_ITEM_URL = "http://www.imsglobal.org/xsd/imsqti_item_v2p0"
    QTI_2_1_ITEM_URL = "http://www.imsglobal.org/xsd/imsqti_item_v2p1"
  end
end

# --------------------------------------------------------------------------------------- Canvas's files
lib = File.join(INTEROP, "canvas-lms", "gems", "plugins", "qti_exporter", "lib")
require File.join(lib, "qti.rb")
%w[html_helper assessment_item_converter choice_interaction associate_interaction extended_text_interaction
   numeric_interaction assessment_test_converter].each { |f| require File.join(lib, "qti", "#{f}.rb") }
require File.join(INTEROP, "canvas-lms", "lib", "cc", "importer", "canvas", "quiz_metadata_converter.rb")

# ------------------------------------------------------------------- Qti::Converter#export, re-enacted
class Import
  include Canvas::Migration::XMLHelper
  include CC::Importer::Canvas::QuizMetadataConverter

  def initialize(package)
    @unzipped_file_path = package
    @package_root = PackageRoot.new(package)
    @course = { file_map: {} }
  end

  def run
    dest = Dir.mktmpdir("qti_2_1")
    command = Qti.get_conversion_command(dest, @unzipped_file_path)
    output = `#{command}`
    raise "QTIMigrationTool failed: #{output}" unless $?.exitstatus == 0

    manifest = File.join(dest, "imsmanifest.xml")
    questions = Qti.convert_questions(manifest, file_path_map: {}, flavor: nil)
    @course[:assessment_questions] = { assessment_questions: questions }
    @course[:assessments] = { assessments: Qti.convert_assessments(manifest, converted_questions: questions) }
    @manifest = Nokogiri::XML(File.open(File.join(@unzipped_file_path, "imsmanifest.xml")))
    post_process_assessments
    FileUtils.rm_rf(dest)
    @course
  end
end

course = Import.new(PACKAGE).run
puts JSON.pretty_generate(questions: course[:assessment_questions][:assessment_questions],
                          assessments: course[:assessments][:assessments])
