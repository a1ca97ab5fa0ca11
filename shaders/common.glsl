// Shared by every Tern compute shader.
#extension GL_EXT_control_flow_attributes : enable

// Workgroup counts are limited to 65535 per dimension, so big grids spill into y; this is the
// flat index of the current workgroup.
uint flat_group() { return gl_WorkGroupID.y * gl_NumWorkGroups.x + gl_WorkGroupID.x; }
