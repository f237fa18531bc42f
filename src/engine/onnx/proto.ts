/**
 * The subset of onnx.proto (github.com/onnx/onnx, onnx/onnx.proto) the engine reads and writes,
 * with the official field numbers, so files we write are standard ONNX and files others write
 * parse here. Fields we do not declare are skipped by the decoder, never rejected.
 *
 * Why not the npm package `onnx-proto` (checked at 8.0.1, its latest; registry date 2024-12-13):
 * it is pbjs static code generated from ONNX v1.10.2 (IR 8, opset 15), 331 KB of CommonJS plus a
 * 96 KB .d.ts, and it depends on protobufjs ^6 (with long 4 and @types/long), so it would add a
 * second protobufjs two majors behind the 8.8.1 used here. It would cover no more of what matters
 * (it predates the data types of IR 9+ too; unknown fields are skipped either way), and its
 * camelCase objects would replace the snake_case shapes below in export.ts and inspect.ts. These
 * ~150 lines of schema are the cheaper thing to keep right.
 *
 * Checked: every field and enum value below was compared with onnx/onnx.proto by hand. The ones
 * that carry the computation export.ts writes (IR version, opset, graph, nodes, attributes,
 * initializers, input/output types) are also checked by test/unit/engine/onnx-parity.test.ts:
 * onnxruntime-node, built on the official schema, loads each exported model and must compute what
 * tfjs computes. Descriptive fields (producer, doc_string, metadata_props) and fields only read
 * (sparse initializers, external data, subgraphs, non-tensor types) have no test against the
 * official schema: the suite has neither a copy of it nor a model from another ONNX writer.
 */
import protobuf from 'protobufjs';

const ONNX_PROTO = `
syntax = "proto2";
package onnx;

message AttributeProto {
  enum AttributeType {
    UNDEFINED = 0; FLOAT = 1; INT = 2; STRING = 3; TENSOR = 4; GRAPH = 5; SPARSE_TENSOR = 11; TYPE_PROTO = 13;
    FLOATS = 6; INTS = 7; STRINGS = 8; TENSORS = 9; GRAPHS = 10; SPARSE_TENSORS = 12; TYPE_PROTOS = 14;
  }
  optional string name = 1;
  optional string ref_attr_name = 21;
  optional string doc_string = 13;
  optional AttributeType type = 20;
  optional float f = 2;
  optional int64 i = 3;
  optional bytes s = 4;
  optional TensorProto t = 5;
  optional GraphProto g = 6;
  optional SparseTensorProto sparse_tensor = 22;
  optional TypeProto tp = 14;
  repeated float floats = 7;
  repeated int64 ints = 8;
  repeated bytes strings = 9;
  repeated TensorProto tensors = 10;
  repeated GraphProto graphs = 11;
  repeated SparseTensorProto sparse_tensors = 23;
  repeated TypeProto type_protos = 15;
}

message ValueInfoProto {
  optional string name = 1;
  optional TypeProto type = 2;
  optional string doc_string = 3;
}

message NodeProto {
  repeated string input = 1;
  repeated string output = 2;
  optional string name = 3;
  optional string op_type = 4;
  optional string domain = 7;
  repeated AttributeProto attribute = 5;
  optional string doc_string = 6;
}

message ModelProto {
  optional int64 ir_version = 1;
  repeated OperatorSetIdProto opset_import = 8;
  optional string producer_name = 2;
  optional string producer_version = 3;
  optional string domain = 4;
  optional int64 model_version = 5;
  optional string doc_string = 6;
  optional GraphProto graph = 7;
  repeated StringStringEntryProto metadata_props = 14;
}

message StringStringEntryProto {
  optional string key = 1;
  optional string value = 2;
}

message GraphProto {
  repeated NodeProto node = 1;
  optional string name = 2;
  repeated TensorProto initializer = 5;
  repeated SparseTensorProto sparse_initializer = 15;
  optional string doc_string = 10;
  repeated ValueInfoProto input = 11;
  repeated ValueInfoProto output = 12;
  repeated ValueInfoProto value_info = 13;
}

message TensorProto {
  enum DataType {
    UNDEFINED = 0; FLOAT = 1; UINT8 = 2; INT8 = 3; UINT16 = 4; INT16 = 5; INT32 = 6; INT64 = 7;
    STRING = 8; BOOL = 9; FLOAT16 = 10; DOUBLE = 11; UINT32 = 12; UINT64 = 13; COMPLEX64 = 14;
    COMPLEX128 = 15; BFLOAT16 = 16;
  }
  message Segment {
    optional int64 begin = 1;
    optional int64 end = 2;
  }
  enum DataLocation { DEFAULT = 0; EXTERNAL = 1; }
  repeated int64 dims = 1;
  optional int32 data_type = 2;
  optional Segment segment = 3;
  repeated float float_data = 4 [packed = true];
  repeated int32 int32_data = 5 [packed = true];
  repeated bytes string_data = 6;
  repeated int64 int64_data = 7 [packed = true];
  optional string name = 8;
  optional string doc_string = 12;
  optional bytes raw_data = 9;
  repeated StringStringEntryProto external_data = 13;
  optional DataLocation data_location = 14;
  repeated double double_data = 10 [packed = true];
  repeated uint64 uint64_data = 11 [packed = true];
}

message SparseTensorProto {
  optional TensorProto values = 1;
  optional TensorProto indices = 2;
  repeated int64 dims = 3;
}

message TensorShapeProto {
  message Dimension {
    oneof value {
      int64 dim_value = 1;
      string dim_param = 2;
    }
    optional string denotation = 3;
  }
  repeated Dimension dim = 1;
}

message TypeProto {
  message Tensor {
    optional int32 elem_type = 1;
    optional TensorShapeProto shape = 2;
  }
  message Sequence {
    optional TypeProto elem_type = 1;
  }
  message Map {
    optional int32 key_type = 1;
    optional TypeProto value_type = 2;
  }
  message Optional {
    optional TypeProto elem_type = 1;
  }
  message SparseTensor {
    optional int32 elem_type = 1;
    optional TensorShapeProto shape = 2;
  }
  oneof value {
    Tensor tensor_type = 1;
    Sequence sequence_type = 4;
    Map map_type = 5;
    Optional optional_type = 9;
    SparseTensor sparse_tensor_type = 8;
  }
  optional string denotation = 6;
}

message OperatorSetIdProto {
  optional string domain = 1;
  optional int64 version = 2;
}
`;

const root = protobuf.parse(ONNX_PROTO, { keepCase: true }).root;

export const ModelProto = root.lookupType('onnx.ModelProto');

/** TensorProto.DataType values used by the engine. */
export const DataType = { FLOAT: 1, INT32: 6, INT64: 7, DOUBLE: 11 } as const;

/** AttributeProto.AttributeType values used by the engine. */
export const AttributeType = { FLOAT: 1, INT: 2, STRING: 3, TENSOR: 4, GRAPH: 5, FLOATS: 6, INTS: 7, GRAPHS: 10 } as const;

// Plain-object shapes of the messages as we build and read them (snake_case, as onnx.proto).
export interface TensorShapeDim {
  dim_value?: number;
  dim_param?: string;
}
export interface TypeProtoObject {
  tensor_type?: { elem_type?: number; shape?: { dim?: TensorShapeDim[] } };
}
export interface ValueInfoObject {
  name?: string;
  type?: TypeProtoObject;
}
export interface TensorObject {
  name?: string;
  dims?: number[];
  data_type?: number;
  raw_data?: Uint8Array;
  float_data?: number[];
  int32_data?: number[];
  int64_data?: number[];
  double_data?: number[];
  uint64_data?: number[];
  string_data?: Uint8Array[];
  data_location?: number;
}
export interface AttributeObject {
  name?: string;
  type?: number;
  f?: number;
  i?: number;
  s?: Uint8Array;
  t?: TensorObject;
  g?: GraphObject;
  floats?: number[];
  ints?: number[];
  tensors?: TensorObject[];
  graphs?: GraphObject[];
  sparse_tensor?: { values?: TensorObject; indices?: TensorObject; dims?: number[] };
}
export interface NodeObject {
  input?: string[];
  output?: string[];
  name?: string;
  op_type?: string;
  domain?: string;
  attribute?: AttributeObject[];
}
export interface GraphObject {
  node?: NodeObject[];
  name?: string;
  initializer?: TensorObject[];
  sparse_initializer?: { values?: TensorObject; indices?: TensorObject; dims?: number[] }[];
  input?: ValueInfoObject[];
  output?: ValueInfoObject[];
  doc_string?: string;
}
export interface ModelObject {
  ir_version?: number;
  opset_import?: { domain?: string; version?: number }[];
  producer_name?: string;
  producer_version?: string;
  doc_string?: string;
  graph?: GraphObject;
  metadata_props?: { key?: string; value?: string }[];
}

export function encodeModel(model: ModelObject): Uint8Array {
  return ModelProto.encode(ModelProto.fromObject(model)).finish();
}

/** Decodes a model; int64 fields become JS numbers (dims and params fit easily). Throws on bad bytes. */
export function decodeModel(bytes: Uint8Array): ModelObject {
  const msg = ModelProto.decode(bytes);
  return ModelProto.toObject(msg, { longs: Number, enums: Number, arrays: false, defaults: false }) as ModelObject;
}
